import { type FormEvent, useState } from "react";
import { api, errorMessage } from "../api/client.ts";
import { navigate } from "./router.ts";
import { useSession } from "./session.tsx";

export function AccountPage() {
  const { account, signedOut } = useSession();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [message, setMessage] = useState<{ text: string; error: boolean }>();

  const changePassword = async (event: FormEvent) => {
    event.preventDefault();
    const { data, error, response } = await api.PUT("/api/account/password", {
      body: { currentPassword: current, newPassword: next },
    });
    if (data) {
      setCurrent("");
      setNext("");
      setMessage({ text: "Password changed. Your other sessions were signed out.", error: false });
    } else {
      setMessage({ text: errorMessage(error, response), error: true });
    }
  };

  const signOut = async (everywhere: boolean) => {
    const result = everywhere
      ? await api.POST("/api/account/sign-out-everywhere")
      : await api.DELETE("/api/session");
    if (!result.data) {
      setMessage({ text: errorMessage(result.error, result.response), error: true });
      return;
    }
    signedOut();
    navigate("/sign-in", { replace: true });
  };

  return (
    <div className="stack">
      <section className="panel">
        <h1>{account?.displayName}</h1>
        <p className="muted">{account?.email}</p>
        <div className="row">
          <button type="button" onClick={() => signOut(false)}>
            Sign out
          </button>
          <button type="button" className="danger" onClick={() => signOut(true)}>
            Sign out everywhere
          </button>
        </div>
      </section>
      <section className="panel">
        <h2>Change password</h2>
        <form className="form" onSubmit={changePassword}>
          <label>
            Current password
            <input
              type="password"
              autoComplete="current-password"
              required
              value={current}
              onChange={(e) => setCurrent(e.target.value)}
            />
          </label>
          <label>
            New password
            <input
              type="password"
              autoComplete="new-password"
              required
              value={next}
              onChange={(e) => setNext(e.target.value)}
            />
          </label>
          <button type="submit" className="primary">
            Change password
          </button>
        </form>
        {message && (
          <p className={message.error ? "error" : "ok"} role="status">
            {message.text}
          </p>
        )}
      </section>
    </div>
  );
}
