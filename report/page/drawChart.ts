/**
 * chart.js, set up once for the report: no animation (the page is also read by a
 * headless browser, and a report is not a show), the page's font, and a small
 * plugin that marks moments (restarts, violations) as vertical lines on time charts.
 */
import Chart from "chart.js/auto";
import type { ChartConfiguration, ChartType, Plugin } from "chart.js";
import { h, markRendered } from "./_internals/html.ts";

Chart.defaults.animation = false;
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
Chart.defaults.font.size = 12;
Chart.defaults.color = "#37474f";
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.plugins.legend.labels.boxWidth = 14;

/** A moment to mark on a time chart, x in the chart's x units. */
export interface ChartMoment {
  x: number;
  label: string;
  colour: string;
}

/** Vertical lines with a label at the top, drawn after the datasets. */
export function momentsPlugin(moments: readonly ChartMoment[]): Plugin {
  return {
    id: "moments",
    afterDatasetsDraw(chart) {
      const scale = chart.scales["x"];
      if (scale === undefined || moments.length === 0) return;
      const { ctx, chartArea } = chart;
      ctx.save();
      let lastLabelEnd = Number.NEGATIVE_INFINITY;
      for (const moment of moments) {
        const px = scale.getPixelForValue(moment.x);
        if (px < chartArea.left || px > chartArea.right) continue;
        ctx.strokeStyle = moment.colour;
        ctx.lineWidth = 1.5;
        ctx.setLineDash([5, 3]);
        ctx.beginPath();
        ctx.moveTo(px, chartArea.top);
        ctx.lineTo(px, chartArea.bottom);
        ctx.stroke();
        ctx.font = "11px system-ui, sans-serif";
        const width = ctx.measureText(moment.label).width;
        // Near the right edge the label goes to the left of its line, so it is not cut off.
        const labelX = px + 4 + width > chartArea.right ? px - 4 - width : px + 4;
        if (labelX > lastLabelEnd) {
          ctx.fillStyle = moment.colour;
          ctx.fillText(moment.label, labelX, chartArea.top + 11);
          lastLabelEnd = labelX + width + 6;
        }
      }
      ctx.restore();
    },
  };
}

/**
 * A canvas in a sized box, drawn with `config` once the box is in the document.
 * Returns the box; `section` gets data-rendered="true" when the canvas has a size.
 */
export function chartBox<T extends ChartType>(config: ChartConfiguration<T>, options: { section: Element; heightPx?: number; label: string }): { box: HTMLElement; draw: () => void } {
  const canvas = h("canvas", { role: "img", "aria-label": options.label });
  const box = h("div", { class: "chart-box", style: `height:${options.heightPx ?? 240}px` }, canvas);
  return {
    box,
    draw: () => {
      const chart = new Chart(canvas, config);
      box.setAttribute("data-chart-points", String(chart.data.datasets.reduce((total, dataset) => total + dataset.data.length, 0)));
      if (canvas.width > 0 && canvas.height > 0) {
        box.setAttribute("data-rendered", "true");
        if ([...options.section.querySelectorAll(".chart-box")].every((other) => other.getAttribute("data-rendered") === "true")) markRendered(options.section);
      }
    },
  };
}

/** Common axis options for a linear time axis in seconds. */
export function secondsAxis(durationMs?: number) {
  return { type: "linear" as const, min: 0, ...(durationMs === undefined ? {} : { max: durationMs / 1000 }), title: { display: true, text: "time since start (s)" }, ticks: { maxTicksLimit: 12 }, grid: { color: "#eceff1" } };
}
