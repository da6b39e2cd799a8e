import { type FormEvent, useState } from "react";
import { api, errorMessage } from "../api/client.ts";
import { navigate } from "./router.ts";
import { useSession } from "./session.tsx";

/** Where a sign-in goes next: the page that asked for it, if it is one of ours. */
function nextPage(): string {
  const next = new URLSearchParams(location.search).get("next");
  if (!next?.startsWith("/") || next.startsWith("//") || next.startsWith("/sign-in")) return "/";
  return next;
}

export function SignInPage() {
  const { signedIn } = useSession();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const {
        data,
        error: refused,
        response,
      } = await api.POST("/api/session", {
        body: { email, password },
      });
      if (!data) {
        setError(errorMessage(refused, response));
        return;
      }
      signedIn(data.account, data.csrfToken);
      navigate(nextPage(), { replace: true });
    } catch {
      setError("the studio cannot be reached");
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="auth-screen">
      <form className="auth-card" onSubmit={submit}>
        <div className="auth-brand">
          <span className="brand-mark" aria-hidden="true" />
          <h1>Control Room</h1>
        </div>
        <p className="muted">Sign in to your studio.</p>
        <label>
          Email
          <input
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label>
          Password
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        <p className="muted small">
          The first time, sign in as the owner with the password <code>controlroom serve</code>{" "}
          printed.
        </p>
      </form>
    </div>
  );
}
