"""The site as it is deployed (compose.yaml), on loopback and without Docker: `make stack` for a
person, `stack.runner.Stack` for the fault tests (tests/faults/). See docs/deploy.md."""
