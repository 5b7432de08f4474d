"""The record kernel: one declaration per record type, and one way to edit, review, audit and export them."""
