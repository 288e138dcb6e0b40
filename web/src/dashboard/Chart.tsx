/**
 * One Chart.js chart (canvas) with its data as a table beside it: the canvas is an image to assistive
 * technologies, the table is what they read.
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartConfiguration } from 'chart.js';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { fmt } from '../i18n/index.ts';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip);

export interface Series {
  label: string;
  data: Array<number | null>;
  color: string;
}

export function ChartBlock({ title, type, labels, series, stacked = false, percent = false }: { title: string; type: 'bar' | 'line'; labels: string[]; series: Series[]; stacked?: boolean; percent?: boolean }) {
  const { t } = useTranslation();
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const config: ChartConfiguration<'bar' | 'line', Array<number | null>, string> = {
      type,
      data: { labels, datasets: series.map((s) => ({ label: s.label, data: s.data, backgroundColor: s.color, borderColor: s.color, spanGaps: true })) },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: { stacked },
          y: { stacked, beginAtZero: true, ...(percent ? { max: 1, ticks: { callback: (v) => `${Math.round(Number(v) * 100)} %` } } : { ticks: { precision: 0 } }) },
        },
      },
    };
    const chart = new Chart(canvas.current, config);
    return () => chart.destroy();
  }, [type, labels, series, stacked, percent]);
  const cell = (v: number | null) => (v === null ? '—' : percent ? `${fmt.number(Math.round(v * 1000) / 10)} %` : fmt.number(v));
  return (
    <figure className="chart">
      <figcaption>
        <h2>{title}</h2>
      </figcaption>
      <div className="chart-canvas">
        <canvas ref={canvas} role="img" aria-label={title} />
      </div>
      <details>
        <summary>{t('dashboard.table')}</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('dashboard.label')}</th>
              {series.map((s) => (
                <th key={s.label} scope="col">
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {labels.map((l, i) => (
              <tr key={l}>
                <th scope="row">{l}</th>
                {series.map((s) => (
                  <td key={s.label}>{cell(s.data[i] ?? null)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
