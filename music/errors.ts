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
