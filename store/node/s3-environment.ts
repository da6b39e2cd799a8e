import { ControlRoomError } from "../../music/errors.ts";
import type { S3BlobStoreOptions } from "./s3-blob-store.ts";

/** The S3-compatible bucket the environment names, or undefined for the blob folder. */
export function s3OptionsFromEnv(
  env: Record<string, string | undefined>,
): S3BlobStoreOptions | undefined {
  const read = (name: string) => env[name]?.trim() || undefined;
  const bucket = read("CONTROLROOM_S3_BUCKET");
  if (bucket === undefined) {
    const stray = ["CONTROLROOM_S3_ENDPOINT", "CONTROLROOM_S3_REGION", "CONTROLROOM_S3_PREFIX"]
      .filter((name) => read(name) !== undefined)
      .join(", ");
    if (stray) {
      throw configError(
        `${stray} set without CONTROLROOM_S3_BUCKET: name the bucket, or unset them to keep blobs in the data folder`,
        "CONTROLROOM_S3_BUCKET",
      );
    }
    return undefined;
  }
  const endpoint = read("CONTROLROOM_S3_ENDPOINT");
  if (endpoint !== undefined && !/^https?:$/.test(URL.parse(endpoint)?.protocol ?? "")) {
    throw configError(
      `CONTROLROOM_S3_ENDPOINT "${endpoint}" is not an http(s) URL like http://127.0.0.1:9000`,
      "CONTROLROOM_S3_ENDPOINT",
    );
  }
  const missing = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"].find((name) => !read(name));
  if (missing) {
    throw configError(
      `the S3 bucket "${bucket}" (CONTROLROOM_S3_BUCKET) needs credentials: ${missing} is not set`,
      missing,
    );
  }
  const sessionToken = read("AWS_SESSION_TOKEN");
  const region = read("CONTROLROOM_S3_REGION") ?? read("AWS_REGION");
  const prefix = read("CONTROLROOM_S3_PREFIX");
  return {
    bucket,
    credentials: {
      accessKeyId: read("AWS_ACCESS_KEY_ID")!,
      secretAccessKey: read("AWS_SECRET_ACCESS_KEY")!,
      ...(sessionToken ? { sessionToken } : {}),
    },
    ...(endpoint ? { endpoint } : {}),
    ...(region ? { region } : {}),
    ...(prefix ? { prefix } : {}),
  };
}

function configError(message: string, variable: string): ControlRoomError {
  return new ControlRoomError("E_STORE_CONFIG", message, variable);
}
