import type { ApiError } from "../api";
import type { ErrorKind } from "../bindings";

/** Errors a person fixes in the Providers dialog: a key, a model, a server. */
const PROVIDER_KINDS: ReadonlySet<ErrorKind> = new Set<ErrorKind>(["auth", "keychain", "model_not_found", "unreachable"]);

/** A failed call, in words, with the way out where there is one. */
export function ErrorNote({ error, onOpenProviders, testId }: { error: ApiError | null; onOpenProviders?: () => void; testId?: string }) {
  if (!error) return null;
  return (
    <p className="form-error" role="alert" data-testid={testId} data-kind={error.kind}>
      {error.message}
      {onOpenProviders && PROVIDER_KINDS.has(error.kind) && (
        <>
          {" "}
          <button type="button" className="link accent" data-testid="error-open-providers" onClick={onOpenProviders}>
            Open Providers
          </button>
        </>
      )}
    </p>
  );
}
