import { useEffect } from "react";
import { Workspace } from "../studio/Workspace.tsx";
import { AccountPage } from "./AccountPage.tsx";
import { InvitationPage } from "./InvitationPage.tsx";
import { MembersPage } from "./MembersPage.tsx";
import { ProjectsPage } from "./ProjectsPage.tsx";
import { navigate, useRoute } from "./router.ts";
import { SignInPage } from "./SignInPage.tsx";
import { SessionProvider, useSession } from "./session.tsx";
import { TopBar } from "./TopBar.tsx";

export function App() {
  return (
    <SessionProvider>
      <Pages />
    </SessionProvider>
  );
}

function Pages() {
  const route = useRoute();
  const { account } = useSession();
  const needsAccount = route.page !== "sign-in" && route.page !== "invitation";

  useEffect(() => {
    if (account === null && needsAccount && location.pathname !== "/sign-in") {
      const back = location.pathname + location.search;
      navigate(`/sign-in${back === "/" ? "" : `?next=${encodeURIComponent(back)}`}`, {
        replace: true,
      });
    }
  }, [account, needsAccount]);

  if (account === undefined) return <div className="splash">Control Room</div>;
  if (route.page === "sign-in") return <SignInPage />;
  if (route.page === "invitation") return <InvitationPage />;
  if (account === null) return <div className="splash">Control Room</div>;
  if (route.page === "workspace") return <Workspace projectId={route.projectId} />;
  return (
    <div className="page">
      <TopBar />
      <main className="page-body">
        {route.page === "projects" && <ProjectsPage />}
        {route.page === "account" && <AccountPage />}
        {route.page === "members" && <MembersPage projectId={route.projectId} />}
        {route.page === "not-found" && (
          <section className="panel">
            <h1>Nothing here</h1>
            <p>
              This address is not a page of the studio. <a href="/">Back to your projects</a>.
            </p>
          </section>
        )}
      </main>
    </div>
  );
}
