// Runs in the visitor's browser, not in the unikernel.
document.getElementById('clock').textContent = `Loaded at ${new Date().toLocaleTimeString()}.`;
