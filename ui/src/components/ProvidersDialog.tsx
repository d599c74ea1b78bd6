import { useEffect, useState, type FormEvent } from "react";
import { api, toApiError } from "../api";
import { Modal } from "./Dialog";
import type { LocalServer, Provider, ProviderCheck, ProviderKind } from "../bindings";

const BASE_URLS: Record<ProviderKind, string> = {
  openai: "https://api.openai.com/v1",
  anthropic: "https://api.anthropic.com",
  "openai-compatible": "http://127.0.0.1:11434/v1",
};

/** Settings → Providers: add, test, change and remove LLM providers. Keys go to the OS keychain. */
export function ProvidersDialog({ onClose, onChanged }: { onClose: () => void; onChanged: () => void }) {
  const [providers, setProviders] = useState<Provider[]>([]);
  const [local, setLocal] = useState<LocalServer[]>([]);
  const [checks, setChecks] = useState<Record<string, ProviderCheck | "testing">>({});
  const [kind, setKind] = useState<ProviderKind>("openai-compatible");
  const [name, setName] = useState("");
  const [baseUrl, setBaseUrl] = useState(BASE_URLS["openai-compatible"]);
  const [model, setModel] = useState("");
  const [apiKey, setApiKey] = useState("");
  const [removeKey, setRemoveKey] = useState(false);
  // The provider being changed, when the form edits one rather than adding.
  const [editing, setEditing] = useState<Provider | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = () => api.listProviders().then(setProviders).catch((e: unknown) => setError(toApiError(e).message));
  useEffect(() => {
    void reload();
    api.detectLocalProviders().then(setLocal).catch(() => undefined);
  }, []);

  const clearForm = () => {
    setEditing(null);
    setName("");
    setModel("");
    setApiKey("");
    setRemoveKey(false);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const provider = { name, kind, base_url: baseUrl, default_model: model };
    try {
      if (editing) await api.changeProvider(editing.name, provider, apiKey || null, removeKey);
      else await api.addProvider(provider, apiKey || null);
      clearForm();
      await reload();
      onChanged();
    } catch (err) {
      setError(toApiError(err).message);
    }
  };
  const edit = (p: Provider) => {
    setError(null);
    setEditing(p);
    setName(p.name);
    setKind(p.kind);
    setBaseUrl(p.base_url);
    setModel(p.default_model);
    setApiKey("");
    setRemoveKey(false);
  };
  const test = async (p: Provider) => {
    setChecks((c) => ({ ...c, [p.name]: "testing" }));
    try {
      const check = await api.testProvider(p.name);
      setChecks((c) => ({ ...c, [p.name]: check }));
    } catch (err) {
      setChecks((c) => ({ ...c, [p.name]: { works: false, verdict: "failed", message: toApiError(err).message } }));
    }
  };
  const remove = async (p: Provider) => {
    await api.removeProvider(p.name).catch((e: unknown) => setError(toApiError(e).message));
    await reload();
    onChanged();
  };

  return (
    <Modal title="Providers" onClose={onClose} testId="providers-dialog" wide>
        {providers.length === 0 ? (
          <p className="muted">No provider yet. Add one below: OpenAI, Anthropic, or any OpenAI-compatible server (Ollama, LM Studio, llama.cpp, vLLM, OpenRouter).</p>
        ) : (
          <ul className="provider-list">
            {providers.map((p) => {
              const check = checks[p.name];
              return (
                <li key={p.id} data-testid="provider" data-name={p.name}>
                  <div>
                    <strong>{p.name}</strong> <span className="chip">{p.kind}</span>
                    <div className="muted small">
                      {p.base_url} · {p.default_model} · {p.has_key ? "key in the OS keychain" : "no key"}
                    </div>
                    {check && (
                      <div className={`check ${check !== "testing" && check.works ? "ok" : "bad"}`} data-testid="provider-check">
                        {check === "testing" ? "Testing…" : `${check.works ? "✓ Works" : `✗ ${check.verdict[0]?.toUpperCase()}${check.verdict.slice(1)}`}: ${check.message}`}
                      </div>
                    )}
                  </div>
                  <span className="row-buttons">
                    <button onClick={() => void test(p)} data-testid="test-provider">
                      Test connection
                    </button>
                    <button onClick={() => edit(p)} data-testid="edit-provider" aria-label={`Change ${p.name}`}>
                      Change…
                    </button>
                    <button onClick={() => void remove(p)} aria-label={`Remove ${p.name}`}>
                      Remove
                    </button>
                  </span>
                </li>
              );
            })}
          </ul>
        )}
        {local.length > 0 && (
          <div className="local-servers">
            {local.map((s) => (
              <button
                key={s.base_url}
                className="link"
                onClick={() => {
                  setKind("openai-compatible");
                  setName(s.name);
                  setBaseUrl(s.base_url);
                  setModel(s.models[0] ?? "");
                }}
              >
                Found {s.name} at {s.base_url} — use it
              </button>
            ))}
          </div>
        )}
        <form onSubmit={submit} className="provider-form" data-testid="provider-form" data-mode={editing ? "change" : "add"}>
          <h3>{editing ? `Change “${editing.name}”` : "Add a provider"}</h3>
          <div className="grid2">
            <label>
              Name
              <input
                data-testid="provider-name"
                value={name}
                onChange={(e) => setName(e.target.value)}
                placeholder="My Ollama"
                readOnly={editing !== null}
                title={editing ? "A provider keeps its name: routing policies and recorded drafts name it." : undefined}
              />
            </label>
            <label>
              Kind
              <select
                data-testid="provider-kind"
                value={kind}
                onChange={(e) => {
                  const k = e.target.value as ProviderKind;
                  setKind(k);
                  setBaseUrl(BASE_URLS[k]);
                }}
              >
                <option value="openai-compatible">OpenAI-compatible</option>
                <option value="openai">OpenAI</option>
                <option value="anthropic">Anthropic</option>
              </select>
            </label>
            <label>
              Base URL
              <input data-testid="provider-base-url" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} />
            </label>
            <label>
              Default model
              <input data-testid="provider-model" value={model} onChange={(e) => setModel(e.target.value)} placeholder="llama3.1" />
            </label>
          </div>
          <label>
            {editing ? "New API key" : "API key"}{" "}
            <span className="muted">
              {editing
                ? editing.has_key
                  ? "(empty keeps the key in the OS keychain)"
                  : "(this provider has no key; stored in the OS keychain only)"
                : "(optional for local servers; stored in the OS keychain only)"}
            </span>
            <input data-testid="provider-key" type="password" autoComplete="off" value={apiKey} disabled={removeKey} onChange={(e) => setApiKey(e.target.value)} />
          </label>
          {editing?.has_key && (
            <label className="checkbox-row">
              <input type="checkbox" data-testid="provider-remove-key" checked={removeKey} onChange={(e) => setRemoveKey(e.target.checked)} /> Remove the key from the OS keychain
            </label>
          )}
          {error && <p className="form-error" role="alert">{error}</p>}
          <div className="dialog-actions">
            {editing ? (
              <button type="button" onClick={clearForm} data-testid="cancel-change">
                Cancel change
              </button>
            ) : (
              <button type="button" onClick={onClose}>
                Done
              </button>
            )}
            <button type="submit" className="primary" data-testid={editing ? "save-provider" : "add-provider"} disabled={!name.trim() || !model.trim() || !baseUrl.trim()}>
              {editing ? "Save changes" : "Add provider"}
            </button>
          </div>
        </form>
    </Modal>
  );
}
