import { z } from "zod";
import { leafOperations, Operation } from "../music/operations.ts";
import { Project } from "../music/project.ts";
import "./feed-messages.ts";

/** The one shape every refusal has (http-errors.ts): a code, a sentence, and what it is about. */
export const ErrorResponse = z
  .object({
    ok: z.literal(false),
    error: z.object({
      code: z.string().describe("E_… : what kind of refusal, for programs."),
      message: z.string().describe("What is wrong, in a sentence a person understands."),
      subject: z.string().optional().describe("The field, file or thing it is about."),
    }),
  })
  .meta({
    id: "Error",
    description: "A refusal: the request was wrong (4xx), or the server failed (500).",
  });

/**
 * Names for the schemas a client builds on, so the OpenAPI document shows each as a
 * component (`#/components/schemas/ParamSetOperation`) instead of inlining it wherever it is
 * used, and a client generated from it gets a type per edit. Registered once, on import.
 */
const NAMED: [z.ZodType, string, string][] = [
  [
    Operation,
    "Operation",
    "One edit of the project document, or a batch of edits applied together.",
  ],
  [
    Project,
    "Project",
    "The project document: song, tempo, tracks and clips, sections, the console.",
  ],
  ...leafOperations.map((schema): [z.ZodType, string, string] => {
    const type = schema.shape.type.value;
    return [schema, `${pascal(type)}Operation`, `The \`${type}\` edit.`];
  }),
];

function pascal(type: string): string {
  return type
    .split(/[.-]/)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join("");
}

for (const [schema, id, description] of NAMED) {
  if (!z.globalRegistry.has(schema)) z.globalRegistry.add(schema, { id, description });
}
