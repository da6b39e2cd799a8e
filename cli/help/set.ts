export const help = `controlroom set <dir> <target> [value] [options]

Sets what the console has, as an engineer would on the desk, and saves the project (a new
revision in <dir>/revisions/). Prints each value that changed, before → after.

Targets: <track>.<setting>, where the track is named by its name or id in any case, or
master for the master strip; tempo; section.<name>.

  <track>.fader -3              fader in dB          <track>.trim 2        input trim in dB
  <track>.pan -0.5 | L30 | C    pan (−1 … 1)         <track>.pan-law -3dB  (-3dB, -4.5dB, -6dB, 0dB)
  <track>.mute on|off           also solo, solo-safe, polarity
  <track>.hpf 80 [--slope 24]   high-pass in Hz, or on|off; lpf the same for the low-pass
  <track>.eq.2 --freq 250 --gain -3 --q 1.4 [--type peak|low-shelf|high-shelf]
                                EQ bands 1 to 4, low to high; shaping a band turns it on
  <track>.comp on|off --threshold -20 --ratio 4 --knee 6 --attack 10 --release 100
                      --makeup 2 --detection peak|rms --sidechain <track>|none
  <track>.send.<bus> -6 [--pre|--post]   a send's level (made if missing), or on|off
  <track>.output <bus>|master   where the track plays
  tempo 96 [--at @9] [--meter 3/4]      tempo (and metre) from bar 1, or from a bar
  section.<name> "Verse 1" [--colour #e67e22]   rename or recolour a section

A setting with several values is one edit: one undo step, one revision.

  --on, --off    turn a filter, band, compressor or send on or off
  --json         print the operation and the changes as JSON`;
