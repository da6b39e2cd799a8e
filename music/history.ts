import { applyOperation, type Operation } from "./operations.ts";
import type { Project } from "./project.ts";

export interface HistoryEntry {
  operation: Operation;
  inverse: Operation;
}

/**
 * Undo and redo over the operation log. The document only ever changes through
 * `apply`, `undo` and `redo`, and each of them goes through applyOperation.
 */
export class History {
  private current: Project;
  private readonly done: HistoryEntry[] = [];
  private undone: HistoryEntry[] = [];

  constructor(project: Project) {
    this.current = project;
  }

  get project(): Project {
    return this.current;
  }

  /** Operations applied since the history began, oldest first: what a save records. */
  get log(): readonly HistoryEntry[] {
    return this.done;
  }

  get canUndo(): boolean {
    return this.done.length > 0;
  }

  get canRedo(): boolean {
    return this.undone.length > 0;
  }

  apply(operation: Operation): Project {
    const { project, inverse } = applyOperation(this.current, operation);
    this.current = project;
    this.done.push({ operation, inverse });
    this.undone = [];
    return project;
  }

  undo(): Project {
    const entry = this.done.pop();
    if (!entry) return this.current;
    this.current = applyOperation(this.current, entry.inverse).project;
    this.undone.push(entry);
    return this.current;
  }

  redo(): Project {
    const entry = this.undone.pop();
    if (!entry) return this.current;
    const { project, inverse } = applyOperation(this.current, entry.operation);
    this.current = project;
    this.done.push({ operation: entry.operation, inverse });
    return this.current;
  }
}
