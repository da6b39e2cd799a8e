import { type FormEvent, useEffect, useState } from "react";
import { api, errorMessage, type Role } from "../api/client.ts";
import { Link } from "./Link.tsx";
import { navigate } from "./router.ts";
import { useSession } from "./session.tsx";

interface Invitation {
  projectTitle: string;
  invitedBy: string | null;
  role: Role;
  email: string;
  expiresAt: string;
  accountExists: boolean;
}

/** The token sits after `#`, which browsers never send to a server or in a Referer. */
function tokenFromHash(): string | undefined {
  return new URLSearchParams(location.hash.slice(1)).get("token") ?? undefined;
}

/**
 * `/invitation#token=…`: who invited you to what, then either an account made through the
 * link, or (signed in) the invitation accepted.
 */
export function InvitationPage() {
  const { account, signedIn } = useSession();
  const [token] = useState(tokenFromHash);
  const [invitation, setInvitation] = useState<Invitation>();
  const [error, setError] = useState<string>();
  const [displayName, setDisplayName] = useState("");
  const [password, setPassword] = useState("");

  useEffect(() => {
    if (!token) {
      setError("this link holds no invitation; ask for the link again");
      return;
    }
    api.POST("/api/invitations/lookup", { body: { token } }).then(({ data, error, response }) => {
      if (data) setInvitation(data);
      else setError(errorMessage(error, response));
    });
  }, [token]);

  const signUp = async (event: FormEvent) => {
    event.preventDefault();
    if (!token) return;
    const { data, error, response } = await api.POST("/api/invitations/sign-up", {
      body: { token, displayName, password },
    });
    if (!data) {
      setError(errorMessage(error, response));
      return;
    }
    signedIn(data.account, data.csrfToken);
    navigate(`/projects/${encodeURIComponent(data.projectId)}`, { replace: true });
  };

  const accept = async () => {
    if (!token) return;
    const { data, error, response } = await api.POST("/api/invitations/accept", {
      body: { token },
    });
    if (!data) {
      setError(errorMessage(error, response));
      return;
    }
    navigate(`/projects/${encodeURIComponent(data.projectId)}`, { replace: true });
  };

  return (
    <div className="auth-screen">
      <div className="auth-card">
        <div className="auth-brand">
          <span className="brand-mark" aria-hidden="true" />
          <h1>Invitation</h1>
        </div>
        {invitation && (
          <p>
            <strong>{invitation.invitedBy ?? "The producer"}</strong> invites{" "}
            <strong>{invitation.email}</strong> to <strong>{invitation.projectTitle}</strong> as{" "}
            <span className={`role role-${invitation.role}`}>{invitation.role}</span>.
          </p>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {invitation && account && (
          <>
            <p className="muted">You are signed in as {account.email}.</p>
            <button type="button" className="primary" onClick={accept}>
              Accept and open the project
            </button>
          </>
        )}
        {invitation && !account && invitation.accountExists && (
          <p>
            You already have an account.{" "}
            <Link href={`/sign-in?next=${encodeURIComponent(`/invitation${location.hash}`)}`}>
              Sign in
            </Link>{" "}
            to accept.
          </p>
        )}
        {invitation && !account && !invitation.accountExists && (
          <form className="form" onSubmit={signUp}>
            <label>
              Your name
              <input
                required
                autoComplete="name"
                value={displayName}
                onChange={(e) => setDisplayName(e.target.value)}
              />
            </label>
            <label>
              Choose a password
              <input
                type="password"
                required
                autoComplete="new-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </label>
            <button type="submit" className="primary">
              Create account and join
            </button>
          </form>
        )}
      </div>
    </div>
  );
}
