// Node test-runner reporter used by scripts/test.mjs next to `spec`: counts leaf tests and writes
// one JSON object {passed, failed, skipped, failures} to its destination when the run ends.
//
// Why not count every test:pass/test:fail: suites and tests that only hold `t.test()` subtests
// would count twice. A test is a leaf when no event one level deeper (same file) arrived since
// its previous sibling: node reports children before their parent, in declaration order.
// A container that failed although none of its children did (an `after` hook throwing, a file
// that crashed after its tests passed) still counts as one failure, so no failure goes unseen.

/** @typedef {{ file?: string, name: string, nesting: number, skip?: unknown, todo?: unknown, details?: { type?: string, error?: { failureType?: string, message?: string, cause?: unknown } } }} TestData */

const MAX_LISTED_FAILURES = 100;

/** @param {AsyncIterable<{ type: string, data: TestData }>} source */
export default async function* countReporter(source) {
  const counts = { passed: 0, failed: 0, skipped: 0, failures: /** @type {{ file: string, name: string, reason: string }[]} */ ([]) };
  /** Per file, per nesting level: did a test at that level arrive (since the parent), did one fail. */
  const levels = new Map();

  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const data = event.data;
    const file = data.file ?? '';
    let stack = levels.get(file);
    if (!stack) levels.set(file, (stack = []));
    const depth = data.nesting ?? 0;
    const children = stack[depth + 1];
    stack.length = depth + 1; // forget deeper levels: they belonged to this test
    const isFail = event.type === 'test:fail';
    let failedHere = false;

    if (data.details?.type === 'suite' || children) {
      // A container: count it only when it failed on its own (hook, crash) with no failing child.
      if (isFail && !children?.failed) {
        failedHere = true;
        record(counts, file, data);
      }
      failedHere ||= Boolean(children?.failed);
    } else if (data.skip !== undefined || data.todo !== undefined) {
      counts.skipped++; // a failing todo test does not fail the run (node's own rule)
    } else if (isFail) {
      failedHere = true;
      record(counts, file, data);
    } else {
      counts.passed++;
    }
    const level = stack[depth] ?? { failed: false };
    level.failed ||= failedHere;
    stack[depth] = level;
  }
  yield `${JSON.stringify(counts)}\n`;
}

/** @param {{ failed: number, failures: { file: string, name: string, reason: string }[] }} counts @param {string} file @param {TestData} data */
function record(counts, file, data) {
  counts.failed++;
  if (counts.failures.length >= MAX_LISTED_FAILURES) return;
  const err = data.details?.error;
  const cause = /** @type {{ message?: string } | undefined} */ (err?.cause);
  const reason = String(cause?.message ?? err?.message ?? err?.failureType ?? 'failed').split('\n')[0] ?? '';
  counts.failures.push({ file, name: data.name, reason: reason.slice(0, 200) });
}
