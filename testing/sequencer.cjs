// The order jest hands test files to its two workers. Jest starts the files it recorded as slowest first,
// but a fresh clone (CI) has no record and starts them in an order of its own: the terraform layer, which
// alone takes about as long as everything else, could start last and run on after the rest has finished.
// Here it starts first, so the two workers finish at about the same time; the rest keeps jest's order.
const Sequencer = require("@jest/test-sequencer").default;

const FIRST = [/__tests__\/terraform\/terraform\.test\.ts$/, /__tests__\/terraform\/hcl\.test\.ts$/];
const rank = (test) => {
  const i = FIRST.findIndex((pattern) => pattern.test(test.path));
  return i < 0 ? FIRST.length : i;
};

class SlowestLayerFirst extends Sequencer {
  async sort(tests) {
    const ordered = await super.sort(tests);
    // Array.prototype.sort is stable: within a rank, jest's own order stays.
    return [...ordered].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = SlowestLayerFirst;
