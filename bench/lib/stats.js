'use strict';
// Small statistics and number formatting for the benchmark table.

function sorted(values) {
  return [...values].sort((a, b) => a - b);
}

/** Linear-interpolated percentile (p in 0..100) of a list of numbers. */
function percentile(values, p) {
  if (values.length === 0) return NaN;
  const s = sorted(values);
  const rank = (p / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return s[lo] + (s[hi] - s[lo]) * (rank - lo);
}

/** { median, min, max, n } of a list of numbers. */
function summary(values) {
  const s = sorted(values.filter((v) => Number.isFinite(v)));
  if (s.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
  return { median: percentile(s, 50), min: s[0], max: s[s.length - 1], n: s.length };
}

/** 1234567 → "1.23 M", 45600 → "45.6 k". */
function si(value) {
  if (!Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toPrecision(3)} G`;
  if (abs >= 1e6) return `${(value / 1e6).toPrecision(3)} M`;
  if (abs >= 1e3) return `${(value / 1e3).toPrecision(3)} k`;
  return value.toPrecision(3);
}

/** Three significant digits, no unit prefix. */
function num(value) {
  if (!Number.isFinite(value)) return '—';
  if (Math.abs(value) >= 1000) return value.toFixed(0);
  return value.toPrecision(3);
}

/** "median (min–max)" with a formatter; just the median when there was a single run. */
function spread(sum, format = num) {
  if (!sum || sum.n === 0) return '—';
  if (sum.n === 1 || sum.min === sum.max) return format(sum.median);
  return `${format(sum.median)} (${format(sum.min)}–${format(sum.max)})`;
}

function rowsLabel(n) {
  if (n >= 1e6 && n % 1e6 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 1e3 === 0) return `${n / 1e3}k`;
  return String(n);
}

module.exports = { percentile, summary, si, num, spread, rowsLabel };
