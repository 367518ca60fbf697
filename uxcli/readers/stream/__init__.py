"""The block-by-block engine for big event logs: ``engine`` reads blocks and derives attempts,
``summary`` feeds each block's attempts to group statistics without an attempts frame."""
