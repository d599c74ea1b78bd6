import { useState } from "react";
import { api, toApiError, type PathChoice } from "../api";

interface Props {
  label: string;
  testId: string;
  value: string;
  onChange: (path: string) => void;
  /** What the system's chooser asks for, when there is one. */
  choice: PathChoice;
  disabled?: boolean;
  autoFocus?: boolean;
  placeholder?: string;
}

/** A path: typed, or chosen with the system's file chooser ("Choose…"). */
export function PathField({ label, testId, value, onChange, choice, disabled, autoFocus, placeholder }: Props) {
  const [error, setError] = useState<string | null>(null);
  const choose = async () => {
    if (!api.choosePath) return;
    try {
      const path = await api.choosePath(choice);
      if (path !== null) onChange(path);
      setError(null);
    } catch (e) {
      setError(toApiError(e).message);
    }
  };
  return (
    <label>
      {label}
      <span className="path-field">
        <input autoFocus={autoFocus} data-testid={testId} placeholder={placeholder} value={value} onChange={(e) => onChange(e.target.value)} disabled={disabled} />
        {api.choosePath && (
          <button type="button" data-testid={`${testId}-choose`} onClick={() => void choose()} disabled={disabled}>
            Choose…
          </button>
        )}
      </span>
      {error && <span className="form-error">{error}</span>}
    </label>
  );
}
