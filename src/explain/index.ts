export { formatLockPreview, previewLocks, type LockPreviewOptions, type PreviewLock, type PreviewStatement } from './lock-preview';
