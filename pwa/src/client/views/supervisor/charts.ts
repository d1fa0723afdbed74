// Chart.js, registered with only the pieces the figures use (bar charts, both axes, legend,
// tooltip), so its chunk stays small. Loaded by the figures view with a dynamic import().
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  Tooltip,
} from 'chart.js';
import { chartValue } from './figure-format';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);
// Axis and legend text in the app's ink rather than Chart.js's light grey (contrast).
Chart.defaults.color = '#3c4043';

/** Okabe–Ito colours, distinguishable with the common colour-vision deficiencies. */
export const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#8C6D00',
  '#000000',
  '#7F7F7F',
  '#882255',
  '#44AA99',
];

export interface BarSpec {
  labels: string[];
  /** `color`: a colour that carries meaning (a risk band); else the palette's next one */
  datasets: { label: string; data: (number | string)[]; color?: string }[];
  stacked?: boolean;
  horizontal?: boolean;
  locale: string;
}

export interface DrawnChart {
  destroy(): void;
}

/** Draw a bar chart on a canvas; the caller destroys it when its view goes. */
export function barChart(canvas: HTMLCanvasElement, spec: BarSpec): DrawnChart {
  const stacked = spec.stacked ?? false;
  const reduceMotion =
    typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: spec.labels,
      datasets: spec.datasets.map((d, i) => ({
        label: d.label,
        data: d.data.map(chartValue),
        backgroundColor: d.color ?? PALETTE[i % PALETTE.length],
        borderWidth: 0,
        maxBarThickness: 72,
      })),
    },
    options: {
      indexAxis: spec.horizontal ? 'y' : 'x',
      responsive: true,
      maintainAspectRatio: false,
      animation: reduceMotion ? false : { duration: 300 },
      locale: spec.locale,
      scales: {
        x: { stacked, beginAtZero: true, ticks: { precision: 0 } },
        y: { stacked, beginAtZero: true, ticks: { precision: 0 } },
      },
      plugins: {
        legend: { position: 'bottom', labels: { boxWidth: 14 } },
        tooltip: { enabled: true },
      },
    },
  });
}
