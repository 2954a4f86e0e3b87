/**
 * Import cycles, found as strongly connected components (Tarjan's algorithm) of a
 * file → imported files graph, each reported as one concrete path through it.
 */

/** A file → the files it imports. Edges to files outside the map are ignored. */
export type DependencyEdges = ReadonlyMap<string, readonly string[]>;

function stronglyConnectedComponents(edges: DependencyEdges): string[][] {
  const indexOf = new Map<string, number>();
  const lowOf = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let nextIndex = 0;
  // Recursion depth is bounded by the longest import chain (tens of files), not the file count.
  function visit(file: string): void {
    indexOf.set(file, nextIndex);
    lowOf.set(file, nextIndex);
    nextIndex += 1;
    stack.push(file);
    onStack.add(file);
    for (const next of edges.get(file) ?? []) {
      if (!edges.has(next)) continue;
      if (!indexOf.has(next)) {
        visit(next);
        lowOf.set(file, Math.min(lowOf.get(file) as number, lowOf.get(next) as number));
      } else if (onStack.has(next)) {
        lowOf.set(file, Math.min(lowOf.get(file) as number, indexOf.get(next) as number));
      }
    }
    if (lowOf.get(file) !== indexOf.get(file)) return;
    const component: string[] = [];
    for (;;) {
      const member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
      if (member === file) break;
    }
    components.push(component);
  }
  for (const file of [...edges.keys()].sort()) if (!indexOf.has(file)) visit(file);
  return components;
}

/** The shortest path from `start` back to `start` inside `members` (breadth first), start included at both ends. */
function shortestCycleThrough(start: string, members: ReadonlySet<string>, edges: DependencyEdges): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head += 1) {
    const file = queue[head] as string;
    for (const next of [...(edges.get(file) ?? [])].sort()) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [start];
        for (let step: string | undefined = file; step !== undefined && step !== start; step = cameFrom.get(step)) path.splice(1, 0, step);
        return [...path, start];
      }
      if (cameFrom.has(next)) continue;
      cameFrom.set(next, file);
      queue.push(next);
    }
  }
  throw new Error(`no cycle through ${start}: not a strongly connected component`);
}

/**
 * Every import cycle, one per strongly connected component (so a knot of files is one
 * finding, not dozens), each as a path that starts and ends on the component's first file
 * in sort order: `[a.ts, b.ts, a.ts]`. A file importing itself is a cycle of one. Sorted.
 */
export function findImportCycles(edges: DependencyEdges): string[][] {
  return stronglyConnectedComponents(edges)
    .filter((component) => component.length > 1 || (edges.get(component[0] as string) ?? []).includes(component[0] as string))
    .map((component) => shortestCycleThrough([...component].sort()[0] as string, new Set(component), edges))
    .sort((left, right) => (left[0] as string).localeCompare(right[0] as string));
}

/** A cycle as one readable line: `a.ts → b.ts → a.ts`. */
export function formatCycle(cycle: readonly string[]): string {
  return cycle.join(" → ");
}
