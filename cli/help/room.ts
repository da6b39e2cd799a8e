export const help = `controlroom room <modes|rt60|plan|layout|materials> …

The engineer's room: where it booms, how long it rings, and what treatment fixes it.

  room modes --dims 5x4x2.7 [--max 200] [--rt60 0.4] [--json] [--plot <file>]
  room modes <room.json> [--max 200] [--json] [--plot <file>]
      axial, tangential and oblique modes up to --max Hz, the Schroeder frequency,
      Bonello's check per third octave, and gaps and bunches among the axial modes
  room rt60 <room.json> [--json] [--plot <file>]
      reverberation time per octave band (125 Hz to 4 kHz) by Sabine and by Eyring
  room plan <room.json> --target 0.3 [--json] [--plot <file>]
      panels of the room's treatments (its "treatments", else 2″ and 4″ fibreglass)
      that bring RT60 into the target: one number is a nominal time with ITU-R BS.1116's
      tolerance (±0.05 s, looser below 200 Hz); 0.2-0.4 is a range for every band
  room layout <room.json> [--json]
      the 38 % seat, the seats along the room whose predicted bass dips least, and the
      first-reflection points on walls, ceiling and floor for the listener and speakers
  room materials [--json]
      the absorption coefficients known, with their sources

room.json: {"dimensions": {"length": 5, "width": 4, "height": 2.7},
            "boundaries": {"floor": "wood-floor", "ceiling": "gypsum-board-13mm", "walls": "gypsum-board-13mm"},
            "surfaces": [{"name": "window", "material": "glass-3mm", "area": 2.4, "on": "left"}],
            "treatments": [{"material": "fibreglass-703-100mm", "pricePerPanel": 70}],
            "listening": {"listener": {"x": 1.9, "y": 2, "z": 1.2}}}
Instead of dimensions and boundaries, "volume" and "surfaces" with areas describe any room;
"materials" adds your own (six coefficients, 125 Hz to 4 kHz, and a source).
Lengths in metres; x runs from the front wall, y from the left wall, z up from the floor.
Plots are .svg, or .png with rsvg-convert installed.`;
