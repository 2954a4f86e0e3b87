import { createHash } from "node:crypto";

/** A check's tally, shaped like k6's summary `root_group.checks[]`. */
export interface CheckNode {
  name: string;
  path: string;
  id: string;
  passes: number;
  fails: number;
}

/** A group, shaped like k6's summary `root_group` (groups and checks in first-seen order). */
export interface GroupNode {
  name: string;
  path: string;
  id: string;
  groups: GroupNode[];
  checks: CheckNode[];
}

/** k6's separator between group names in a group path (`::outer::inner`). */
export const GROUP_SEPARATOR = "::";

/**
 * The tree of groups and checks seen during a run, for the summary's
 * `root_group`. Paths and ids follow k6: the root's path is "", a child's is
 * `parent + "::" + name`, the id is the md5 of the path.
 */
export class GroupTree {
  readonly root: GroupNode = newGroup("", "");

  /** The path of group `name` inside `parentPath`. @throws Error when `name` contains `::` (as k6). */
  static childPath(parentPath: string, name: string): string {
    if (name.includes(GROUP_SEPARATOR)) throw new Error(`group and check names may not contain '${GROUP_SEPARATOR}'`);
    return parentPath === "" && name === "" ? "" : `${parentPath}${GROUP_SEPARATOR}${name}`;
  }

  /** The group at `path`, created (with its parents) on first use. */
  group(path: string): GroupNode {
    if (path === "") return this.root;
    let node = this.root;
    for (const name of path.split(GROUP_SEPARATOR).slice(1)) {
      let child = node.groups.find((candidate) => candidate.name === name);
      if (child === undefined) {
        child = newGroup(name, `${node.path}${GROUP_SEPARATOR}${name}`);
        node.groups.push(child);
      }
      node = child;
    }
    return node;
  }

  /** Counts one evaluation of check `name` inside the group at `groupPath`. */
  recordCheck(groupPath: string, name: string, passed: boolean): void {
    const group = this.group(groupPath);
    let check = group.checks.find((candidate) => candidate.name === name);
    if (check === undefined) {
      const path = `${group.path}${GROUP_SEPARATOR}${name}`;
      check = { name, path, id: md5Hex(path), passes: 0, fails: 0 };
      group.checks.push(check);
    }
    if (passed) check.passes += 1;
    else check.fails += 1;
  }
}

function newGroup(name: string, path: string): GroupNode {
  return { name, path, id: md5Hex(path), groups: [], checks: [] };
}

function md5Hex(text: string): string {
  return createHash("md5").update(text).digest("hex");
}
