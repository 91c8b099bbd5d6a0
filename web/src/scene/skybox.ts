/** The world's skybox: a photo dome of a 360° image, swapped only once the new image has loaded. */
import { PhotoDome, type Scene } from "./babylon";

export class Skybox {
  private dome: PhotoDome | null = null;
  private current: string | null = null;

  constructor(
    private readonly scene: Scene,
    private readonly imageUrl: (hash: string | null) => string | null,
    private readonly wake: (ms: number) => void,
  ) {}

  /** The hash of the skybox shown (or loading). */
  get hash(): string | null {
    return this.current;
  }

  get loaded(): boolean {
    return !!this.dome?.photoTexture?.isReady();
  }

  set(hash: string | null): void {
    if (hash === this.current) return;
    this.current = hash;
    const url = this.imageUrl(hash);
    if (!url) {
      this.dome?.dispose();
      this.dome = null;
      return;
    }
    const dome = new PhotoDome("skybox", url, { resolution: 48, size: 4000, useDirectMapping: false }, this.scene);
    dome.mesh.isPickable = false;
    dome.imageMode = PhotoDome.MODE_MONOSCOPIC;
    const previous = this.dome;
    this.dome = dome;
    dome.mesh.setEnabled(previous === null);
    this.wake(1000);
    dome.onLoadObservable.addOnce(() => {
      this.wake(600);
      if (this.dome !== dome) return;
      dome.mesh.setEnabled(true);
      previous?.dispose();
    });
    dome.onLoadErrorObservable.addOnce(() => {
      if (this.dome === dome) {
        dome.dispose();
        this.dome = previous;
        previous?.mesh.setEnabled(true);
      }
    });
  }
}
