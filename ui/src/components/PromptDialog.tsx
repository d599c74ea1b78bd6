import { useEffect, useState } from "react";
import { api, toApiError } from "../api";
import type { DiffSpan, Project, PromptApproval, PromptVersion } from "../bindings";
import { when } from "../lib/dates";
import { article } from "../lib/labels";
import { Modal } from "./Dialog";
import { DiffView } from "./DiffView";

/** One author's block, editable; saving makes a new prompt version. */
function AuthorBlock({ author, block, onSave }: { author: string; block: string; onSave: (text: string) => void }) {
  const [text, setText] = useState(block);
  const name = author.replace(/^[^:]*:/, "");
  return (
    <div className="author-block">
      <label>
        For {name}'s drafts
        <textarea data-testid="author-block" data-author={author} rows={2} value={text} onChange={(e) => setText(e.target.value)} />
      </label>
      <button type="button" data-testid="save-author-block" disabled={text === block} onClick={() => onSave(text)}>
        {text.trim() ? "Save block" : "Remove block"}
      </button>
    </div>
  );
}

/** The project's prompt. Saving a change makes a new version; any version can be restored. */
export function PromptDialog({ project, onClose }: { project: Project; onClose: () => void }) {
  const [versions, setVersions] = useState<PromptVersion[]>([]);
  const [approval, setApproval] = useState<PromptApproval | null>(null);
  const latestId = versions[0]?.id ?? null;
  useEffect(() => {
    setApproval(null);
    if (latestId) api.promptApproval(latestId).then(setApproval).catch(() => undefined);
  }, [latestId]);
  const [system, setSystem] = useState("");
  const [template, setTemplate] = useState("");
  // The fields appear once the stored prompt is in: typing into them earlier would be
  // overwritten when it arrives.
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [comparing, setComparing] = useState<{ version: number; spans: DiffSpan[] } | null>(null);

  const load = async () => {
    const v = await api.listPromptVersions(project.id);
    setVersions(v);
    setSystem(v[0]?.system_prompt ?? `You write ${project.content_type} copy for our brand. Be clear and concrete.`);
    setTemplate(v[0]?.user_template ?? `Write ${article(project.content_type)} ${project.content_type} about {{topic}} for {{audience}}.`);
    setLoaded(true);
  };
  useEffect(() => {
    load().catch((e: unknown) => setError(toApiError(e).message));
    // Reload only when the project changes; load is recreated every render.
  }, [project.id]);

  const save = async () => {
    try {
      await api.savePrompt(project.id, system, template);
      await load();
      setError(null);
    } catch (e) {
      setError(toApiError(e).message);
    }
  };
  const restore = async (id: string) => {
    try {
      await api.restorePromptVersion(id);
      await load();
    } catch (e) {
      setError(toApiError(e).message);
    }
  };
  const compare = async (v: PromptVersion, number: number) => {
    const asText = (p: { system_prompt: string; user_template: string }) => `System: ${p.system_prompt}\n\nTemplate: ${p.user_template}`;
    try {
      setComparing({ version: number, spans: await api.diffTexts(asText(v), asText({ system_prompt: system, user_template: template })) });
    } catch (e) {
      setError(toApiError(e).message);
    }
  };
  const saveBlock = async (author: string, block: string) => {
    try {
      await api.saveAuthorBlock(project.id, author, block);
      await load();
      setError(null);
    } catch (e) {
      setError(toApiError(e).message);
    }
  };
  const latest = versions[0];
  const changed = !latest || latest.system_prompt !== system || latest.user_template !== template;
  const approve = async () => {
    if (!latest) return;
    try {
      setApproval(await api.approvePrompt(latest.id));
    } catch (e) {
      setError(toApiError(e).message);
    }
  };

  return (
    <Modal title={`Prompt for ${project.name}`} onClose={onClose} testId="prompt-dialog" wide>
      {!loaded && !error && <p className="muted">Loading the prompt…</p>}
      {loaded && (
        <>
        <label>
          System prompt
          <textarea data-testid="prompt-system" rows={3} value={system} onChange={(e) => setSystem(e.target.value)} />
        </label>
        <label>
          User template <span className="muted">(use {"{{variables}}"}; each document fills them in)</span>
          <textarea data-testid="prompt-template" rows={4} value={template} onChange={(e) => setTemplate(e.target.value)} />
        </label>
        </>
      )}
        {latest && Object.keys(latest.author_blocks).length > 0 && (
          <section className="author-blocks" data-testid="author-blocks">
            <h3>Authors' blocks</h3>
            <p className="muted small">Sent after the system prompt when drafting that author's documents, from suggestions accepted for their drafts only. Empty a block to remove it.</p>
            {Object.entries(latest.author_blocks).map(([author, block]) => (
              <AuthorBlock key={`${latest.id}:${author}`} author={author} block={block ?? ""} onSave={(text) => void saveBlock(author, text)} />
            ))}
          </section>
        )}
        {error && <p className="form-error" role="alert">{error}</p>}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Close
          </button>
          <button type="button" className="primary" data-testid="save-prompt" disabled={!loaded || !changed} onClick={() => void save()}>
            {latest ? "Save as new version" : "Save prompt"}
          </button>
        </div>
        {latest && project.routing.approve_prompts && (
          <p className="approval small" data-testid="prompt-approval">
            {approval ? (
              <span className="written-head">✓ Approved for batches by {approval.by}, {when(approval.approved_at)}</span>
            ) : (
              <>
                <span className="muted">Batches wait until a reviewer approves this version. </span>
                <button type="button" data-testid="approve-prompt" onClick={() => void approve()}>
                  Approve for batches
                </button>
              </>
            )}
          </p>
        )}
        {versions.length > 0 && (
          <>
            <h3>Versions</h3>
            <ol className="versions" data-testid="prompt-versions">
              {versions.map((v, i) => (
                <li key={v.id}>
                  <span>
                    v{versions.length - i} · {when(v.created_at)} · {v.origin === "hand" ? "written by hand" : "from a suggestion"}
                    {i === 0 && <strong> (current)</strong>}
                  </span>
                  {i > 0 && (
                    <>
                      <button className="link" onClick={() => void compare(v, versions.length - i)}>
                        Compare with the text above
                      </button>{" "}
                      <button className="link" onClick={() => void restore(v.id)}>
                        Restore
                      </button>
                    </>
                  )}
                </li>
              ))}
            </ol>
            {comparing && (
              <>
                <p className="muted small">Changes from v{comparing.version} to the prompt above:</p>
                <DiffView spans={comparing.spans} />
              </>
            )}
          </>
        )}
    </Modal>
  );
}
