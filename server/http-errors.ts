import type { ControlRoomError } from "../music/errors.ts";

/**
 * The HTTP status for an error a request caused. Every ControlRoomError is the client's
 * doing (bad input, missing thing, no right) or a conflict; only errors that are not ours to
 * explain are 500. The table is by code prefix, most specific first.
 */
const BY_PREFIX: [string, number][] = [
  ["E_NOT_FOUND", 404],
  ["E_FILE_NOT_FOUND", 404],
  ["E_STORE_MEMBER_MISSING", 404],
  ["E_STORE_REVISION_MISSING", 404],
  ["E_INVITATION_INVALID", 404],
  ["E_INVITATION_MISSING", 404],
  ["E_ACCESS_TOKEN_MISSING", 404],
  ["E_ACCOUNT_MISSING", 404],
  ["E_RESET_INVALID", 404],
  ["E_ACCOUNT_DISABLED", 403],
  ["E_PASSWORD_WRONG", 403],
  ["E_ACCOUNT_OWNER", 409],
  ["E_STORE_EMAIL_TAKEN", 409],
  ["E_RESET_USED", 410],
  ["E_RESET_EXPIRED", 410],
  ["E_FORBIDDEN", 403],
  ["E_INVITATION_EMAIL", 403],
  ["E_UNAUTHENTICATED", 401],
  ["E_STORE_CONFLICT", 409],
  ["E_STORE_LAST_PRODUCER", 409],
  ["E_STORE_MEMBER_EXISTS", 409],
  ["E_INVITATION_USED", 410],
  ["E_INVITATION_EXPIRED", 410],
  ["E_UPLOAD_NOT_AUDIO", 415],
  ["E_UPLOAD_AUDIO_INVALID", 422],
  ["E_SOURCE_FILE_MISSING", 422],
  ["E_SOURCE_MISMATCH", 422],
  ["E_IMPORT_FILE_MISSING", 422],
  ["E_EXPORT_FILE_MISSING", 422],
  ["E_FILE_EXISTS", 409],
  ["E_FILE_READ_ONLY", 409],
  ["E_FILE_IN_USE", 409],
  ["E_QUOTA_EXCEEDED", 413],
  ["E_BLOB_TOO_LARGE", 413],
  ["E_PROJECT_EXISTS", 409],
  ["E_PROJECT_ARCHIVED", 409],
  ["E_JOB_FINISHED", 409],
  ["E_BOOKING_CONFLICT", 409],
  ["E_BUDGET_STATUS", 409],
  ["E_BUDGET_LINE_PAID", 409],
  ["E_BUDGET_LINE_DERIVED", 409],
  ["E_TEAM_MEMBER_EXISTS", 409],
  ["E_RATE_LIMITED", 429],
  ["E_TOO_LARGE", 413],
  ["E_ZIP_TOO_LARGE", 413],
  ["E_MIDI_TOO_LARGE", 413],
  ["E_WAV_TOO_LARGE", 413],
  ["E_", 400],
];

export function statusFor(error: ControlRoomError): number {
  for (const [prefix, status] of BY_PREFIX) if (error.code.startsWith(prefix)) return status;
  return 400;
}

export interface ErrorBody {
  ok: false;
  error: { code: string; message: string; subject?: string };
}

export function errorBody(code: string, message: string, subject?: string): ErrorBody {
  return {
    ok: false,
    error: subject === undefined ? { code, message } : { code, message, subject },
  };
}
