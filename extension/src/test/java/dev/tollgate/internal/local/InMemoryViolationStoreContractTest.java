package dev.tollgate.internal.local;

import dev.tollgate.internal.violations.ViolationStore;
import dev.tollgate.internal.violations.ViolationStoreContract;

class InMemoryViolationStoreContractTest extends ViolationStoreContract {

    private final InMemoryViolationStore store = new InMemoryViolationStore(TOP);

    @Override
    protected ViolationStore store() {
        return store;
    }
}
