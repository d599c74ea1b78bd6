import { useEffect, useRef, useState } from "react";
import { api, toApiError } from "../api";
import type { PhraseProgress, Phrased, Provider } from "../bindings";
import { ProviderSelect } from "./ProviderSelect";

const EMBEDDER_KEY = "draftloop.phrase.embedder";
const EMBEDDING_MODEL_KEY = "draftloop.phrase.embeddingModel";

interface Running {
  requestId: string;
  sentences: number | null;
  toPhrase: number | null;
  /** Each group's rule as it streams. */
  texts: string[];
}

/** What came of a run, in words. */
function outcome(p: Phrased): string {
  const sentences = `${p.sentences} sentence${p.sentences === 1 ? "" : "s"} people added or cut that no suggestion explains`;
  if (p.rules.length > 0) {
    return `The model phrased ${p.rules.length} rule${p.rules.length === 1 ? "" : "s"} from ${sentences}. ${p.rules.length === 1 ? "It is" : "They are"} listed above, marked "written by the model"; nothing changes the prompt until you accept.`;
  }
  if (p.groups > 0) return `Every group of similar edits (${p.groups}) has been phrased already: accept or reject the rules above.`;
  return `${sentences}; no group of similar ones comes from three drafts yet.`;
}

/** "Phrase with the model": the edits no suggestion explains, grouped by meaning (a
 * provider's embeddings) or by shared words, and a model asked to say the rule each
 * group shows. The rules are kept as suggestions, labelled as the model's. */
export function PhraseWithModel({ projectId, onPhrased }: { projectId: string; onPhrased: () => void }) {
  const [providers, setProviders] = useState<Provider[] | null>(null);
  const [provider, setProvider] = useState("");
  const [embedder, setEmbedder] = useState(() => localStorage.getItem(EMBEDDER_KEY) ?? "");
  const [embeddingModel, setEmbeddingModel] = useState(() => localStorage.getItem(EMBEDDING_MODEL_KEY) ?? "");
  const [running, setRunning] = useState<Running | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const current = useRef(0);

  useEffect(() => {
    api
      .listProviders()
      .then((p) => {
        setProviders(p);
        setProvider((chosen) => chosen || (p[0]?.name ?? ""));
        setEmbedder((chosen) => (p.some((x) => x.name === chosen) ? chosen : ""));
      })
      .catch((e: unknown) => setError(toApiError(e).message));
  }, []);

  const run = async () => {
    const requestId = `phrase-${crypto.randomUUID()}`;
    localStorage.setItem(EMBEDDER_KEY, embedder);
    localStorage.setItem(EMBEDDING_MODEL_KEY, embeddingModel);
    current.current = 0;
    setError(null);
    setDone(null);
    setRunning({ requestId, sentences: null, toPhrase: null, texts: [] });
    const onProgress = (p: PhraseProgress) =>
      setRunning((r) => {
        if (!r) return r;
        if (p.stage === "grouped") return { ...r, sentences: p.sentences, toPhrase: p.to_phrase };
        current.current = p.group;
        const texts = [...r.texts];
        texts[p.group] = (texts[p.group] ?? "") + p.text;
        return { ...r, texts };
      });
    try {
      const phrased = await api.phraseWithModel({ request_id: requestId, project_id: projectId, provider, embeddings: embedder ? { provider: embedder, model: embeddingModel.trim() } : null }, onProgress);
      setDone(outcome(phrased));
      if (phrased.rules.length > 0) onPhrased();
    } catch (e) {
      const err = toApiError(e);
      setError(err.kind === "cancelled" ? "Stopped. The rules phrased before you stopped are kept above." : err.message);
      onPhrased();
    } finally {
      setRunning(null);
    }
  };
  const stop = () => running && void api.cancelVariant(`${running.requestId}:${current.current}`, 0);

  if (providers === null) return null;
  return (
    <section className="phrase" data-testid="phrase-with-model">
      <h3>Phrase with the model</h3>
      <p className="muted small">
        Sentences people keep adding or cutting in different words, that no suggestion above explains, are grouped; a model you pick says the rule each group shows. Its rules are listed above for you to accept or reject.
      </p>
      {providers.length === 0 ? (
        <p className="muted small">Add a provider first (Providers, in the sidebar).</p>
      ) : (
        <div className="phrase-form">
          <label className="inline-field">
            Model that writes the rules
            <ProviderSelect providers={providers} value={provider} onChange={setProvider} testId="phrase-provider" disabled={!!running} />
          </label>
          <label className="inline-field">
            Group by meaning with
            <ProviderSelect providers={providers} value={embedder} onChange={setEmbedder} testId="phrase-embedder" disabled={!!running} none="shared words (no embeddings)" />
          </label>
          {embedder && (
            <label className="inline-field">
              Embeddings model
              <input data-testid="phrase-embedding-model" value={embeddingModel} placeholder="text-embedding-3-small" disabled={!!running} onChange={(e) => setEmbeddingModel(e.target.value)} />
            </label>
          )}
          {running ? (
            <button data-testid="phrase-stop" onClick={stop}>
              Stop
            </button>
          ) : (
            <button className="primary" data-testid="phrase-run" disabled={!provider || (!!embedder && !embeddingModel.trim())} onClick={() => void run()}>
              Phrase with the model
            </button>
          )}
        </div>
      )}
      {running && (
        <div className="phrase-progress muted small" data-testid="phrase-progress" aria-live="polite">
          {running.toPhrase === null ? (
            <p>{embedder ? "Grouping the edits by meaning…" : "Grouping the edits…"}</p>
          ) : (
            <p>
              {running.sentences} unexplained sentence{running.sentences === 1 ? "" : "s"}; asking {provider} about {running.toPhrase} group{running.toPhrase === 1 ? "" : "s"}…
            </p>
          )}
          {running.texts.map((t, i) => (
            <p key={i}>
              Group {i + 1}: <q>{t}</q>
            </p>
          ))}
        </div>
      )}
      {done && (
        <p className="muted small" data-testid="phrase-outcome" role="status">
          {done}
        </p>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
