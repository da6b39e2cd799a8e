import type { ReactNode } from "react";
import { Link } from "./Link.tsx";
import { useSession } from "./session.tsx";

/** The bar across every page: the studio's name, where you are, and your account. */
export function TopBar({ children }: { children?: ReactNode }) {
  const { account } = useSession();
  return (
    <header className="top-bar">
      <Link href="/" className="brand" aria-label="Control Room: your projects">
        <span className="brand-mark" aria-hidden="true" />
        Control Room
      </Link>
      <div className="top-bar-middle">{children}</div>
      {account && (
        <Link href="/account" className="account-link">
          {account.displayName}
        </Link>
      )}
    </header>
  );
}
