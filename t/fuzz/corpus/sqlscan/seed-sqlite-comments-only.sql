-- Nothing to do here; just comments.
/* A block comment; with a semicolon. */

-- msr is great, and so is a comment that mentions msr: in passing
