/**
 * The one error type every Control Room boundary throws.
 *
 * `code` is stable and machine-readable (E_WAV_TRUNCATED), `subject` names the file or
 * field the user has to look at, and `message` is a sentence that user understands.
 */
export class ControlRoomError extends Error {
  readonly code: string;
  readonly subject: string | undefined;

  constructor(code: string, message: string, subject?: string) {
    super(message);
    this.name = "ControlRoomError";
    this.code = code;
    this.subject = subject;
  }

  /** One line for a terminal: `E_CODE: message`. */
  toLine(): string {
    return `${this.code}: ${this.message}`;
  }
}

export function isControlRoomError(error: unknown): error is ControlRoomError {
  return error instanceof ControlRoomError;
}

/**
 * An error raised deep inside reading a file (a channel, an entry of an archive) that does
 * not yet say which file: the same error, its message led by the file's name, which becomes
 * its subject. Anything else passes through unchanged.
 */
export function namingFile(error: unknown, fileName: string): unknown {
  if (!isControlRoomError(error) || error.message.includes(fileName)) return error;
  return new ControlRoomError(error.code, `${fileName}: ${error.message}`, fileName);
}
