# Shared code without models (see docs/architecture.md).
