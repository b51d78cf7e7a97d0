package io.tuneops.console.client;

/** An owner that could not be asked: not reachable, too slow, or answering something unreadable. */
public final class OwnerUnavailable extends RuntimeException {

    private final Owner owner;

    public OwnerUnavailable(Owner owner, String reason) {
        super(owner.serviceName() + " is unavailable: " + reason, null, false, false);
        this.owner = owner;
    }

    public Owner owner() {
        return owner;
    }
}
