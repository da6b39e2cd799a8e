import { z } from "zod";
import { PRODUCTION_SUBJECTS, type ProjectEvent } from "../store/events.ts";
import { JOB_KINDS, JOB_STATES } from "../store/schema.ts";

/**
 * What the project feed (`GET /api/projects/{projectId}/feed`, a WebSocket) sends, as JSON
 * text messages. Named schemas, so the OpenAPI document describes them and a generated
 * client has their types; `FeedMessage` is the union.
 */
export const FeedSubscribed = z
  .object({ type: z.literal("subscribed"), projectId: z.string() })
  .meta({ id: "FeedSubscribed", description: "The first message: the feed is listening." });

export const FeedRevision = z
  .object({
    type: z.literal("revision"),
    projectId: z.string(),
    revision: z.number().int().describe("The revision now current; load it to catch up."),
    author: z.string().describe("The account that saved it."),
    operations: z.number().int().describe("How many operations it holds (0 for a restore)."),
    restoredFrom: z.number().int().optional().describe("Set when it restores an older one."),
  })
  .meta({ id: "FeedRevision", description: "A save or a restore was committed." });

export const FeedJob = z
  .object({
    type: z.literal("job"),
    projectId: z.string(),
    jobId: z.string(),
    kind: z.enum(JOB_KINDS),
    state: z.enum(JOB_STATES),
    progress: z.number().min(0).max(1),
    stage: z.string().describe("What the job is doing, in words: 'rendering', 'fetching audio'."),
    error: z.string().optional().describe("Why it failed, when state is failed."),
  })
  .meta({ id: "FeedJob", description: "A job of the project moved: queued, running, done…" });

export const FeedProduction = z
  .object({
    type: z.literal("production"),
    projectId: z.string(),
    subject: z.enum(PRODUCTION_SUBJECTS),
    id: z.string().describe("What changed: a person, booking, budget line, decision or task."),
    change: z.enum(["created", "changed", "removed"]),
  })
  .meta({
    id: "FeedProduction",
    description:
      "The production office changed; load what `subject` names again. Carries no money.",
  });

export const FeedMessage = z
  .discriminatedUnion("type", [FeedSubscribed, FeedRevision, FeedJob, FeedProduction])
  .meta({ id: "FeedMessage", description: "Any message the project feed sends." });

/** The close codes the feed uses: 4000 + the HTTP status the same refusal would get. */
export const FEED_CLOSE_CODES = {
  4401: "not signed in, or the session or token ended (signed out, password changed, account disabled, token revoked)",
  4403: "the session may not read this project, or the page's Origin is not the studio's",
  4404: "no such project, or the account is not (or no longer) a member",
} as const;

// The events the store relays are the messages the feed sends on: the two cannot drift.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _eventsAreMessages: Same<
  ProjectEvent,
  z.infer<typeof FeedRevision | typeof FeedJob | typeof FeedProduction>
> = true;
void _eventsAreMessages;
