import { asc, eq, inArray } from "drizzle-orm";
import { ControlRoomError } from "../../music/errors.ts";
import type { Rate } from "../../production/team/people.ts";
import type { StoreDatabase } from "../database.ts";
import { checkId } from "../ids.ts";
import { rooms, studios } from "./schema.ts";

/** Studios and their rooms: the server's, shared by every project. */

export interface Room {
  id: string;
  studioId: string;
  name: string;
  rates: Rate[];
  equipment: string[];
  notes: string;
}

export interface Studio {
  id: string;
  name: string;
  address: string;
  timeZone: string;
  notes: string;
  rooms: Room[];
}

export interface NewStudio {
  name: string;
  address: string;
  timeZone: string;
  notes: string;
}

export interface NewRoom {
  name: string;
  rates: Rate[];
  equipment: string[];
  notes: string;
}

function roomOf(row: typeof rooms.$inferSelect): Room {
  return {
    id: row.id,
    studioId: row.studioId,
    name: row.name,
    rates: row.rates,
    equipment: row.equipment,
    notes: row.notes,
  };
}

export async function createStudio(db: StoreDatabase, studio: NewStudio): Promise<Studio> {
  const [row] = await db.insert(studios).values(studio).returning();
  return { ...row, rooms: [] };
}

export async function createRoom(
  db: StoreDatabase,
  studioId: string,
  room: NewRoom,
): Promise<Room> {
  checkId(studioId, "studioId");
  const [studio] = await db
    .select({ id: studios.id })
    .from(studios)
    .where(eq(studios.id, studioId));
  if (!studio) {
    throw new ControlRoomError("E_NOT_FOUND_STUDIO", `there is no studio ${studioId}`, "studioId");
  }
  const [row] = await db
    .insert(rooms)
    .values({ studioId, ...room })
    .returning();
  return roomOf(row);
}

export async function listStudios(db: StoreDatabase): Promise<Studio[]> {
  const studioRows = await db.select().from(studios).orderBy(asc(studios.name), asc(studios.id));
  const roomRows = await db.select().from(rooms).orderBy(asc(rooms.name), asc(rooms.id));
  return studioRows.map((studio) => ({
    id: studio.id,
    name: studio.name,
    address: studio.address,
    timeZone: studio.timeZone,
    notes: studio.notes,
    rooms: roomRows.filter((room) => room.studioId === studio.id).map(roomOf),
  }));
}

/** Rooms with their studio's name, by id. */
export async function roomsWithStudios(
  db: StoreDatabase,
  roomIds: readonly string[],
): Promise<Map<string, Room & { studioName: string }>> {
  if (roomIds.length === 0) return new Map();
  const rows = await db
    .select({ room: rooms, studioName: studios.name })
    .from(rooms)
    .innerJoin(studios, eq(studios.id, rooms.studioId))
    .where(inArray(rooms.id, [...new Set(roomIds)]));
  return new Map(
    rows.map((row) => [row.room.id, { ...roomOf(row.room), studioName: row.studioName }]),
  );
}

export function roomMissing(roomId: string): ControlRoomError {
  return new ControlRoomError("E_NOT_FOUND_ROOM", `there is no room ${roomId}`, "roomId");
}
