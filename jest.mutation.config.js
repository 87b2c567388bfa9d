// Stryker runs the unit suites (jest.unit.config.js): the slower layers (bundle, moto, terraform) test
// the same code through the built artifact and add nothing Stryker can attribute.
module.exports = require("./jest.unit.config.js");
