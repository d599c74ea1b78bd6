import { useEffect, useRef } from "react";
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart as ChartJs,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from "chart.js";

ChartJs.register(BarController, BarElement, CategoryScale, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip);

/** The app's palette for series, in order. */
export const SERIES = ["#4f46e5", "#0f766e", "#c2410c", "#a16207", "#7c3aed", "#0369a1"];

/** One chart (Chart.js on a canvas). `onReady` hands over a way to take it as a PNG. */
export function Chart({
  config,
  label,
  testId,
  onReady,
}: {
  config: ChartConfiguration;
  label: string;
  testId: string;
  onReady?: (png: () => string) => void;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const key = JSON.stringify(config.data);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new ChartJs(canvas.current, {
      ...config,
      options: {
        responsive: true,
        maintainAspectRatio: false,
        // A chart drawn at once: screenshots and PNGs show it whole.
        animation: false,
        ...config.options,
      },
      plugins: [
        ...(config.plugins ?? []),
        {
          // A white ground, so a saved PNG reads on any background.
          id: "ground",
          beforeDraw: (c) => {
            const ctx = c.ctx;
            ctx.save();
            ctx.fillStyle = "#fff";
            ctx.fillRect(0, 0, c.width, c.height);
            ctx.restore();
          },
        },
      ],
    });
    onReady?.(() => chart.toBase64Image("image/png"));
    return () => chart.destroy();
    // Redrawn when its data changes.
  }, [key]);
  return (
    <div className="chart-box">
      <canvas ref={canvas} role="img" aria-label={label} data-testid={testId} />
    </div>
  );
}
