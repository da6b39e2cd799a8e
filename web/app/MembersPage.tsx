import { type FormEvent, useCallback, useEffect, useState } from "react";
import { ROLE_DESCRIPTIONS, ROLES } from "../../accounts/roles.ts";
import { api, errorMessage, type Role } from "../api/client.ts";
import { Link } from "./Link.tsx";

interface Member {
  accountId: string;
  displayName: string;
  email: string;
  role: Role;
}

interface PendingInvitation {
  id: string;
  email: string;
  role: Role;
  expiresAt: string;
}

/** The producer's view of the team: members and their roles, invitations out. */
export function MembersPage({ projectId }: { projectId: string }) {
  const path = { projectId };
  const [title, setTitle] = useState("");
  const [members, setMembers] = useState<Member[]>([]);
  const [invitations, setInvitations] = useState<PendingInvitation[]>([]);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("engineer");
  const [link, setLink] = useState<string>();
  const [message, setMessage] = useState<{ text: string; error: boolean }>();

  const fail = (error: unknown, response: Response) =>
    setMessage({ text: errorMessage(error, response), error: true });

  const load = useCallback(async () => {
    const params = { path: { projectId } };
    const [project, list, pending] = await Promise.all([
      api.GET("/api/projects/{projectId}", { params }),
      api.GET("/api/projects/{projectId}/members", { params }),
      api.GET("/api/projects/{projectId}/invitations", { params }),
    ]);
    if (project.data) setTitle(project.data.title);
    if (list.data) setMembers(list.data.members);
    else setMessage({ text: errorMessage(list.error, list.response), error: true });
    if (pending.data) setInvitations(pending.data.invitations);
  }, [projectId]);
  useEffect(() => {
    load();
  }, [load]);

  const invite = async (event: FormEvent) => {
    event.preventDefault();
    const { data, error, response } = await api.POST("/api/projects/{projectId}/invitations", {
      params: { path },
      body: { email, role },
    });
    if (!data) return fail(error, response);
    setLink(data.link);
    setEmail("");
    setMessage(undefined);
    await load();
  };

  const changeRole = async (member: Member, next: Role) => {
    const { data, error, response } = await api.PUT(
      "/api/projects/{projectId}/members/{accountId}",
      { params: { path: { projectId, accountId: member.accountId } }, body: { role: next } },
    );
    if (!data) fail(error, response);
    await load();
  };

  const remove = async (member: Member) => {
    const { data, error, response } = await api.DELETE(
      "/api/projects/{projectId}/members/{accountId}",
      { params: { path: { projectId, accountId: member.accountId } } },
    );
    if (!data) fail(error, response);
    await load();
  };

  const withdraw = async (invitation: PendingInvitation) => {
    const { data, error, response } = await api.DELETE(
      "/api/projects/{projectId}/invitations/{invitationId}",
      { params: { path: { projectId, invitationId: invitation.id } } },
    );
    if (!data) fail(error, response);
    await load();
  };

  return (
    <div className="stack">
      <section className="panel">
        <div className="panel-head">
          <h1>Members{title && ` · ${title}`}</h1>
          <Link href={`/projects/${encodeURIComponent(projectId)}`}>Open the project</Link>
        </div>
        {message && (
          <p className={message.error ? "error" : "ok"} role="status">
            {message.text}
          </p>
        )}
        <table className="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Email</th>
              <th>Role</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {members.map((member) => (
              <tr key={member.accountId}>
                <td className="strong">{member.displayName}</td>
                <td>{member.email}</td>
                <td>
                  <RolePicker
                    label={`${member.displayName}'s role`}
                    value={member.role}
                    onChange={(next) => changeRole(member, next)}
                  />
                </td>
                <td className="actions">
                  <button type="button" className="danger" onClick={() => remove(member)}>
                    Remove {member.displayName}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="panel">
        <h2>Invite someone</h2>
        <form className="row" onSubmit={invite}>
          <input
            type="email"
            required
            aria-label="Email to invite"
            placeholder="name@example.com"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          <RolePicker label="Role to invite as" value={role} onChange={setRole} />
          <button type="submit" className="primary">
            Invite
          </button>
        </form>
        <p className="muted small">{ROLE_DESCRIPTIONS[role]}</p>
        {link && (
          <div className="invite-link">
            <p>Send this link to the person you invited (the studio sends no mail):</p>
            <div className="row">
              <input readOnly aria-label="Invitation link" value={link} className="grow" />
              <button type="button" onClick={() => navigator.clipboard?.writeText(link)}>
                Copy link
              </button>
            </div>
          </div>
        )}
        {invitations.length > 0 && (
          <>
            <h3>Pending invitations</h3>
            <table className="table">
              <tbody>
                {invitations.map((invitation) => (
                  <tr key={invitation.id}>
                    <td>{invitation.email}</td>
                    <td>
                      <span className={`role role-${invitation.role}`}>{invitation.role}</span>
                    </td>
                    <td className="muted">
                      until {new Date(invitation.expiresAt).toLocaleDateString()}
                    </td>
                    <td className="actions">
                      <button type="button" onClick={() => withdraw(invitation)}>
                        Withdraw
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>
    </div>
  );
}

function RolePicker(props: { label: string; value: Role; onChange(role: Role): void }) {
  return (
    <select
      aria-label={props.label}
      value={props.value}
      onChange={(e) => props.onChange(e.target.value as Role)}
    >
      {ROLES.map((role) => (
        <option key={role} value={role}>
          {role}
        </option>
      ))}
    </select>
  );
}
