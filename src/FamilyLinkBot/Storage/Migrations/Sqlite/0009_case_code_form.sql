-- Case codes in Korean words (docs/DESIGN.md#31-case-codes-in-korean-words). Which form a case's current token has is
-- operational (docs/DESIGN.md#2-data-classification: plaintext allowed); the token itself is still only its keyed hash. Cases made
-- before this change hold letters (FL-) tokens.
ALTER TABLE cases ADD COLUMN token_form TEXT NOT NULL DEFAULT 'letters' CHECK (token_form IN ('letters', 'words'));
