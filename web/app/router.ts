import { useEffect, useState } from "react";

/**
 * The studio's few pages are addressed by path; the server answers every path that is not
 * the API with the app (SPA fallback), so a reload or a shared link lands on the same page.
 */
export type Route =
  | { page: "projects" }
  | { page: "sign-in" }
  | { page: "account" }
  | { page: "invitation" }
  | { page: "workspace"; projectId: string }
  | { page: "members"; projectId: string }
  | { page: "not-found" };

export function routeOf(pathname: string): Route {
  if (pathname === "/" || pathname === "/projects") return { page: "projects" };
  if (pathname === "/sign-in") return { page: "sign-in" };
  if (pathname === "/account") return { page: "account" };
  if (pathname === "/invitation") return { page: "invitation" };
  const project = /^\/projects\/([^/]+)(\/members)?\/?$/.exec(pathname);
  if (project) {
    const projectId = decodeURIComponent(project[1]);
    return project[2] ? { page: "members", projectId } : { page: "workspace", projectId };
  }
  return { page: "not-found" };
}

const listeners = new Set<() => void>();

/** Goes to another page of the app without loading it again. */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  for (const listener of listeners) listener();
}

/** The current page; re-renders on navigation and on the browser's back and forward. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => routeOf(location.pathname));
  useEffect(() => {
    const update = () => setRoute(routeOf(location.pathname));
    listeners.add(update);
    addEventListener("popstate", update);
    return () => {
      listeners.delete(update);
      removeEventListener("popstate", update);
    };
  }, []);
  return route;
}
