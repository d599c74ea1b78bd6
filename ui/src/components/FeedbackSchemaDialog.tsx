import { useLayoutEffect, useRef, useState, type FormEvent, type TextareaHTMLAttributes } from "react";
import type { Project, RubricDimension } from "../bindings";
import { FormFooter, Modal } from "./Dialog";

interface Props {
  project: Project;
  onSave: (rubric: RubricDimension[], tags: string[]) => Promise<void>;
  onClose: () => void;
}

/** A dimension as typed: the scale stays text until it is saved. */
type Row = Omit<RubricDimension, "min" | "max"> & { min: string; max: string };

/** The project's rubric dimensions (name, description, scale) and tag taxonomy. */
export function FeedbackSchemaDialog({ project, onSave, onClose }: Props) {
  const [rubric, setRubric] = useState<Row[]>(project.rubric.map((d) => ({ ...d, min: String(d.min), max: String(d.max) })));
  const [tags, setTags] = useState(project.tags.join(", "));
  const [error, setError] = useState<string | null>(null);
  const set = (i: number, change: Partial<Row>) => setRubric((r) => r.map((d, j) => (j === i ? { ...d, ...change } : d)));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const bad = rubric.find((d) => !/^-?\d+$/.test(d.min.trim()) || !/^-?\d+$/.test(d.max.trim()));
    if (bad) return setError(`the scale of "${bad.name}" needs whole numbers`);
    try {
      await onSave(
        rubric.map((d) => ({ ...d, min: Number(d.min), max: Number(d.max) })),
        tags
          .split(/[,\n]/)
          .map((t) => t.trim())
          .filter(Boolean),
      );
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <Modal title={`Rubric and tags of ${project.name}`} onClose={onClose} testId="schema-dialog" wide>
      <form onSubmit={submit}>
        <table className="schema-table">
          <thead>
            <tr>
              <th>Dimension</th>
              <th>Description</th>
              <th>From</th>
              <th>To</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rubric.map((d, i) => (
              <tr key={i}>
                <td>
                  <input aria-label="Dimension name" data-testid={`dimension-name-${i}`} value={d.name} onChange={(e) => set(i, { name: e.target.value })} />
                </td>
                <td>
                  <GrowingTextarea aria-label="Description" placeholder="What a rater looks for" value={d.description} onChange={(e) => set(i, { description: e.target.value })} />
                </td>
                <td>
                  <input aria-label="Lowest" inputMode="numeric" className="num" value={d.min} onChange={(e) => set(i, { min: e.target.value })} />
                </td>
                <td>
                  <input aria-label="Highest" inputMode="numeric" className="num" data-testid={`dimension-max-${i}`} value={d.max} onChange={(e) => set(i, { max: e.target.value })} />
                </td>
                <td>
                  <button type="button" className="icon" aria-label={`Remove ${d.name}`} onClick={() => setRubric((r) => r.filter((_, j) => j !== i))}>
                    ×
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" className="link small" data-testid="add-dimension" onClick={() => setRubric((r) => [...r, { name: "", description: "", min: "1", max: "5" }])}>
          + Add a dimension
        </button>
        <label>
          Tags (comma-separated)
          <textarea data-testid="schema-tags" rows={3} value={tags} onChange={(e) => setTags(e.target.value)} />
        </label>
        <FormFooter error={error} onClose={onClose} submit="Save" testId="save-schema" />
      </form>
    </Modal>
  );
}

/** A description is read whole: the field wraps and grows with its text (up to a few
 * lines, then it scrolls; see `.schema-table textarea`). Enter still saves, as in the
 * row's other fields; Shift+Enter starts a new line. */
function GrowingTextarea(props: TextareaHTMLAttributes<HTMLTextAreaElement> & { value: string }) {
  const ref = useRef<HTMLTextAreaElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const fit = () => {
      // Collapsing to measure would scroll the dialog back when it is scrolled to the end.
      const scroller = el.closest(".dialog");
      const top = scroller?.scrollTop ?? 0;
      el.style.height = "auto";
      el.style.height = `${el.scrollHeight + el.offsetHeight - el.clientHeight}px`;
      if (scroller) scroller.scrollTop = top;
    };
    fit();
    // A narrower window wraps the text onto more lines.
    window.addEventListener("resize", fit);
    return () => window.removeEventListener("resize", fit);
  }, [props.value]);
  return (
    <textarea
      ref={ref}
      rows={1}
      onKeyDown={(e) => {
        if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
          e.preventDefault();
          e.currentTarget.form?.requestSubmit();
        }
      }}
      {...props}
    />
  );
}
