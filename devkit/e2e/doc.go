// Package e2e holds the end-to-end tests: the HTTP API driven like a
// client, against a real in-process Temporal server and a real PostgreSQL.
package e2e
