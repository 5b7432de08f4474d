"""Documents and evidence: uploads with versions, type detection, previews, text extraction and storage."""
