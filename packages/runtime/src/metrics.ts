/** Minimal Prometheus counters/gauges: enough for counts that must reconcile. */
export class Metrics {
  private readonly counters = new Map<string, { help: string; values: Map<string, number> }>();

  counter(name: string, help: string): (labels?: Record<string, string>, by?: number) => void {
    if (!this.counters.has(name)) this.counters.set(name, { help, values: new Map() });
    const entry = this.counters.get(name);
    return (labels = {}, by = 1) => {
      if (!entry) return;
      const key = Object.entries(labels)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, "_")}"`)
        .join(",");
      entry.values.set(key, (entry.values.get(key) ?? 0) + by);
    };
  }

  /** Current value of a counter with the given labels (0 when never incremented). */
  value(name: string, labels: Record<string, string> = {}): number {
    let total = 0;
    for (const [key, v] of this.counters.get(name)?.values ?? []) {
      const matches = Object.entries(labels).every(([k, val]) => key.includes(`${k}="${val}"`));
      if (matches) total += v;
    }
    return total;
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, { help, values }] of this.counters) {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      for (const [key, v] of values) lines.push(key ? `${name}{${key}} ${v}` : `${name} ${v}`);
    }
    return `${lines.join("\n")}\n`;
  }
}
