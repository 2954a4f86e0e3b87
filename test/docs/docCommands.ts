/**
 * Reads the commands a reader would copy out of the docs: every `npm run <script> -- …`
 * (the script and the flags after `--`) and every flag row of a doc's option table.
 * Pure text in, data out; test/docs/commandsInDocs.test.ts checks them against
 * package.json and each command's own `--help`.
 */

/** One `npm run` written in a doc. */
export interface DocCommand {
  /** The doc file and 1-based line, for the failure message. */
  where: string;
  /** The npm script named (`sim`, `load:build`…). */
  script: string;
  /** Flags written after `--`, without their values (`--seed`, `-e`). */
  flags: string[];
}

/** One flag from an option table row (`| \`--seed N\` | …`). */
export interface DocTableFlag {
  where: string;
  flag: string;
}

/** Where one command ends on its line: a comment, a table cell, a shell operator or the end of inline code. */
const COMMAND_END = /\s#\s|\s#$|`|\||&&|;|\s>\s|\s2>/;

/** A flag token: one or two dashes, then a letter. `-5` (a negative value) is not a flag. */
const FLAG = /^--?[A-Za-z][\w-]*/;

/** Every `npm run` in one markdown text, with the flags written after its `--`. */
export function docCommands(markdown: string, options: { file: string }): DocCommand[] {
  const commands: DocCommand[] = [];
  markdown.split("\n").forEach((line, index) => {
    for (const match of line.matchAll(/npm run (?:--silent )?([\w:.-]+)((?:(?!npm run ).)*)/g)) {
      const script = match[1] as string;
      const rest = match[2] ?? "";
      const tail = rest.startsWith(" -- ") ? rest.slice(4) : "";
      const end = tail.search(COMMAND_END);
      const argumentText = (end === -1 ? tail : tail.slice(0, end)).replaceAll(/[[\]]/g, " ");
      const flags = argumentText
        .split(/\s+/)
        .map((token) => FLAG.exec(token)?.[0])
        .filter((flag): flag is string => flag !== undefined);
      commands.push({ where: `${options.file}:${index + 1}`, script, flags });
    }
  });
  return commands;
}

/** Every flag named in the first cell of an option table row (`| \`--users N\`, \`--runs N\` | …`). */
export function docTableFlags(markdown: string, options: { file: string }): DocTableFlag[] {
  const flags: DocTableFlag[] = [];
  markdown.split("\n").forEach((line, index) => {
    const firstCell = /^\|([^|]*(?:\\\|[^|]*)*)\|/.exec(line)?.[1];
    if (firstCell === undefined) return;
    for (const code of firstCell.matchAll(/`([^`]*)`/g)) {
      for (const token of (code[1] as string).split(/[\s,]+/)) {
        const flag = FLAG.exec(token)?.[0];
        if (flag !== undefined) flags.push({ where: `${options.file}:${index + 1}`, flag });
      }
    }
  });
  return flags;
}

/** True when `help` lists `flag` as a whole token (`--seed` is not found in `--seeds`). */
export function helpListsFlag(help: string, flag: string): boolean {
  const escaped = flag.replaceAll(/[.*+?^${}()|[\]\\-]/g, "\\$&");
  return new RegExp(`(^|[^\\w-])${escaped}(?![\\w-])`, "m").test(help);
}
