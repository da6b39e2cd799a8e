import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from "react";
import { api, setCsrfToken } from "../api/client.ts";

export interface Account {
  id: string;
  email: string;
  displayName: string;
}

interface SessionState {
  /** undefined while the studio is asked; null when nobody is signed in. */
  account: Account | null | undefined;
  signedIn(account: Account, csrfToken: string): void;
  signedOut(): void;
}

const SessionContext = createContext<SessionState | undefined>(undefined);

/**
 * Whether this browser signed in here before. The session cookie is out of the page's
 * reach (HttpOnly), so this marker, which holds no secret, spares a first visit the 401
 * of asking who is signed in; the studio still decides.
 */
const SIGNED_IN_MARKER = "controlroom.signedIn";

function markSignedIn(signedIn: boolean): void {
  try {
    if (signedIn) localStorage.setItem(SIGNED_IN_MARKER, "1");
    else localStorage.removeItem(SIGNED_IN_MARKER);
  } catch {
    // Storage refused (private mode): the page asks the studio every time instead.
  }
}

function maybeSignedIn(): boolean {
  try {
    return localStorage.getItem(SIGNED_IN_MARKER) !== null;
  } catch {
    return true;
  }
}

/** Who is signed in, asked once when the page loads (the cookie survives a reload). */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [account, setAccount] = useState<Account | null | undefined>(() =>
    maybeSignedIn() ? undefined : null,
  );
  useEffect(() => {
    if (!maybeSignedIn()) return;
    let cancelled = false;
    api.GET("/api/session").then(
      ({ data }) => {
        if (cancelled) return;
        setCsrfToken(data?.csrfToken);
        setAccount(data?.account ?? null);
        if (!data) markSignedIn(false);
      },
      () => !cancelled && setAccount(null),
    );
    return () => {
      cancelled = true;
    };
  }, []);
  const signedIn = useCallback((next: Account, csrfToken: string) => {
    markSignedIn(true);
    setCsrfToken(csrfToken);
    setAccount(next);
  }, []);
  const signedOut = useCallback(() => {
    markSignedIn(false);
    setCsrfToken(undefined);
    setAccount(null);
  }, []);
  return (
    <SessionContext.Provider value={{ account, signedIn, signedOut }}>
      {children}
    </SessionContext.Provider>
  );
}

export function useSession(): SessionState {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside SessionProvider");
  return session;
}
