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

/** Who is signed in, asked once when the page loads (the cookie survives a reload). */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [account, setAccount] = useState<Account | null | undefined>(undefined);
  useEffect(() => {
    let cancelled = false;
    api.GET("/api/session").then(
      ({ data }) => {
        if (cancelled) return;
        setCsrfToken(data?.csrfToken);
        setAccount(data?.account ?? null);
      },
      () => !cancelled && setAccount(null),
    );
    return () => {
      cancelled = true;
    };
  }, []);
  const signedIn = useCallback((next: Account, csrfToken: string) => {
    setCsrfToken(csrfToken);
    setAccount(next);
  }, []);
  const signedOut = useCallback(() => {
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
