// Package scale holds the scale tests: thousands of dialogues and tasks
// through the HTTP API against the in-process Temporal server, checking
// that no plan or dialogue has a limit but the domain's and that no
// workflow history grows past Temporal's warning. A package of its own, so
// the end-to-end tests of devkit/e2e and these each stay well inside go
// test's per-package time limit and run in parallel.
package scale
