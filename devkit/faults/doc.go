// Package faults holds the fault-injection tests: the service on a private
// PostgreSQL cluster that the tests stop and start again mid-lifecycle,
// checking that nothing is lost or doubled. They are a package of their
// own, beside the end-to-end tests of devkit/e2e, so each package keeps
// well inside go test's per-package time limit and the two run in
// parallel.
package faults
