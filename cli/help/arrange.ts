export const help = `controlroom arrange <dir> [edits] [--json]

Prints the arrangement: which track plays in which section (● plays, with its note count;
· is silent). Edits change the song and save it (a revision is kept); each moves, copies or
removes everything in the section on every track, automation and tempo changes included.
Clips and held notes that play across a section's edge are cut there first; where a cut
becomes a seam, both sides fade over 4 ms.

  --move <section> --after <section>   move a section (and its contents) after another
  --move <section> --before <section>  … or before another
  --duplicate <section>                play a section twice
  --delete <section>                   cut a section out; what follows moves up
  --on <track>@<section>               the track plays there: its clips are copied from
                                       a section of the same name, or the nearest one
  --off <track>@<section>              the track is silent there
  --json                               print the matrix as JSON

Sections and tracks are named by name or id, e.g. --on "Bass@Verse 2".`;
