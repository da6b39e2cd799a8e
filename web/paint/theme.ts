/** The studio's colours on canvas; the same values as the CSS custom properties. */
export const THEME = {
  background: "#17191d",
  lane: "#1d2025",
  laneAlternate: "#1a1c21",
  header: "#23262c",
  headerText: "#d9dde3",
  mutedText: "#8a919c",
  grid: "#2a2e35",
  gridBar: "#3a3f48",
  ruler: "#262a30",
  rulerText: "#b4bac4",
  playhead: "#ff5a4f",
  clipText: "#0f1114",
  border: "#0e0f12",
  accent: "#f5a623",
  font: '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  fontBold: '600 11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
} as const;

/** A colour for a track, by its place: a console's channel colours cycle the same way. */
const TRACK_COLOURS = [
  "#e2a03f",
  "#5aa9e6",
  "#7bc96f",
  "#d16ba5",
  "#9b8cf2",
  "#4fc1b8",
  "#e8735a",
  "#c7c95a",
];

export function trackColour(index: number): string {
  return TRACK_COLOURS[index % TRACK_COLOURS.length];
}
