export const help = `controlroom serve [--port N] [--host H] [--data <dir>] [--workers N] [--trust-proxy P]

Starts the studio server with its embedded database (PGlite) in <dir> (default
.controlroom/), or on the PostgreSQL server DATABASE_URL names. The first start creates
the owner's account, prints how to sign in, and adds the demo song. Stop it with Ctrl-C.

  --port N      the port to listen on (default 4321; 0 picks a free one)
  --host H      the address to listen on (default 127.0.0.1)
  --data <dir>  the data folder (default .controlroom)
  --workers N   jobs (renders, masters, analyses) this process runs at once (default 1);
                0 leaves them to \`controlroom worker\` processes
  --log         write the request log (JSON lines) to standard output
  --trust-proxy P
                behind a TLS proxy: believe its X-Forwarded-Proto and X-Forwarded-For
                (secure cookies, the client's address for sign-in limits). P is true
                (whoever connects is the proxy), a number of proxies, or their addresses
                (10.0.0.1,192.168.0.0/16). Default: CONTROLROOM_TRUST_PROXY, else none.
                CONTROLROOM_ALLOWED_ORIGINS lists other origins whose pages may open the
                change feed (https://studio.example,...).`;
