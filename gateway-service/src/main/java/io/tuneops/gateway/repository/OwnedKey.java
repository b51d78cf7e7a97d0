package io.tuneops.gateway.repository;

/** An API key with its owner as they stand, read in one query: what a key check needs. */
public record OwnedKey(ApiKeyRecord key, Person owner) {
}
